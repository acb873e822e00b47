#!/usr/bin/env node
// `make crash-soak N=100`: N kill points of tests/e2e/crash-harness.mjs at seeded random moments
// of the scenario (consecutive seeds from CRASH_SEED, else a random one), after one kill after the
// end that measures the scenario's duration (CRASH_SPAN_MS skips it). Prints one line per kill point
// and finally "<passed> passed, <failed> failed" with the seeds of the failures; exit 1 on failure.

import { firstSeed, killPoint, scenarioSpan, startCrashServer } from '../tests/e2e/crash-harness.mjs';

const n = Number(process.argv[2] ?? 100);
if (!Number.isInteger(n) || n < 1) {
  console.error(`crash-soak: N must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}

const server = await startCrashServer();
const { spanMs, calibration } = await scenarioSpan(server).catch((e) => {
  console.error(`crash-soak: the kill after the end failed: ${e.stack}`);
  process.exit(1);
});
if (calibration) console.log(`kill after the end: ${JSON.stringify(calibration)}`);
const seed0 = firstSeed();
console.log(`crash-soak: ${n} kill points, seeds ${seed0}..${seed0 + n - 1}, delays in [0, ${spanMs}) ms`);

const failures = [];
for (let i = 0; i < n; i++) {
  const seed = seed0 + i;
  try {
    const r = await killPoint(server, { seed, spanMs });
    console.log(`${i + 1}/${n} seed ${seed}: ok, killed at ${r.killAt} ms ${r.where}, reopened at ${r.committed} (${r.ms} ms)`);
  } catch (e) {
    failures.push({ seed, message: e.message });
    console.log(`${i + 1}/${n} seed ${seed}: FAILED ${e.stack}`);
  }
}
await server.close();
console.log(`${n - failures.length} passed, ${failures.length} failed`);
for (const f of failures) console.log(`failed: CRASH_SEED=${f.seed} CRASH_SPAN_MS=${spanMs}: ${f.message}`);
process.exit(failures.length ? 1 : 0);
