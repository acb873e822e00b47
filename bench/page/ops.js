// The per-command benchmark page (bench/ops.mjs drives it through page.evaluate). One workspace,
// one imported table; `measure` runs one command from the import state and goes back to it.
// Wall times in milliseconds (performance.now() around the awaited call, in the page).

import init, { Workspace } from '/pkg/duckline.js';

const now = () => performance.now();
const BUNDLES = {
  mainModule: new URL('/pkg/duckdb/duckdb-eh.wasm', location.href).href,
  mainWorker: new URL('/pkg/duckdb/duckdb-browser-eh.worker.js', location.href).href,
};
const S = { ws: null, t: null };

async function wallMs(f) {
  const t0 = now();
  await f();
  return now() - t0;
}

/** Back to the import state (position 0); the redo branch stays until the next apply drops it. */
async function toImport() {
  if ((await S.t.info()).position !== 0) await S.t.goto(0);
}

export const bench = {
  async init() {
    await init();
    return true;
  },
  /** Opens workspace `name` (OPFS) and imports the CSV at `url` as table `table`. */
  async importCsv(name, table, url, nullStrings) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
    const bytes = new Uint8Array(await r.arrayBuffer());
    S.ws = await Workspace.open({ name, duckdbBundles: BUNDLES });
    const ms = await wallMs(async () => {
      S.t = await S.ws.importCsv(table, bytes, { nullStrings });
    });
    const info = await S.t.info();
    return { ms, rows: info.rowCount, columns: info.columns };
  },
  /**
   * The transcoding overhead of importCsv (issue 11): the CSV at `url` (ASCII, so the same text in
   * every encoding) imported as UTF-8, as windows-1252 (named: decoded by encoding_rs rather than
   * validated) and as UTF-16LE with a byte order mark (twice the bytes), `runs` times each,
   * interleaved; each table dropped after. Returns the wall ms per encoding and run.
   */
  async importEncodings(name, url, nullStrings, runs) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
    const utf8 = new Uint8Array(await r.arrayBuffer());
    const utf16 = new Uint8Array(2 + 2 * utf8.length);
    utf16[0] = 0xff;
    utf16[1] = 0xfe;
    for (let i = 0; i < utf8.length; i++) {
      if (utf8[i] > 0x7f) throw new Error(`${url} is not ASCII (byte ${i})`);
      utf16[2 + 2 * i] = utf8[i];
    }
    S.ws ??= await Workspace.open({ name, duckdbBundles: BUNDLES });
    const cases = [
      ['utf-8', utf8, {}],
      ['windows-1252', utf8, { encoding: 'windows-1252' }],
      ['utf-16le', utf16, {}],
    ];
    const out = Object.fromEntries(cases.map(([e]) => [e, { bytes: 0, rows: 0, ms: [] }]));
    for (let run = 0; run < runs; run++) {
      for (const [encoding, bytes, options] of cases) {
        let t;
        const ms = await wallMs(async () => {
          t = await S.ws.importCsv(`enc_${run}_${encoding.replace(/-/g, '_')}`, bytes, { nullStrings, ...options });
        });
        const info = await t.info();
        if (info.csv?.encoding !== encoding) throw new Error(`${encoding}: read as ${info.csv?.encoding}`);
        Object.assign(out[encoding], { bytes: bytes.length, rows: info.rowCount });
        out[encoding].ms.push(ms);
        await S.ws.dropTable(t.name);
      }
    }
    return out;
  },
  /** `count` row ids spread evenly over the table in display order. */
  async spreadRowIds(count) {
    const { rowCount } = await S.t.info();
    const ids = [];
    for (let i = 0; i < count; i++) {
      const page = await S.t.rowsAt(Math.floor((i * rowCount) / count), { limit: 1 });
      ids.push(page.rowIds[0]);
    }
    return ids;
  },
  /**
   * From the import state: applies `setup` (not measured), then `command` (StepInfo figures and
   * the wall time of apply), undo (wall), redo (wall), undo; then back to the import state. An
   * error becomes `{ error: { code, message } }`. A step-less result (COMMANDS.md) is not undone.
   */
  async measure(command, setup = []) {
    const out = {};
    try {
      await toImport();
      for (const c of setup) await S.t.apply(c);
      const before = (await S.t.info()).position;
      let step;
      out.applyMs = await wallMs(async () => {
        step = await S.t.apply(command);
      });
      Object.assign(out, {
        label: step.label,
        tier: step.tier,
        rowsAffected: step.rowsAffected,
        durationMs: step.durationMs,
        bytesWritten: step.bytesWritten,
        warnings: step.warnings,
        stepless: step.index === before,
      });
      if (!out.stepless) {
        out.undoMs = await wallMs(() => S.t.undo());
        out.redoMs = await wallMs(() => S.t.redo());
        await S.t.undo();
      }
      await toImport();
    } catch (e) {
      out.error = { code: e.code ?? null, message: e.message };
      await toImport().catch(() => {});
    }
    return out;
  },
  async close() {
    await S.ws.close();
    S.ws = null;
    S.t = null;
    return true;
  },
};
