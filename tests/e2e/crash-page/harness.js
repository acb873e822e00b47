// Page side of the crash and quota tests: every function is one page.evaluate away, returns plain
// data, and keeps no expectation (those live in the test process, which survives the kill).

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

export function harness({ Workspace }) {
  let ws = null;
  let flights = null;
  let reference = null;
  let referenceCount = 0;

  /** Columns, row count and the SHA-256 of the CSV export: content and display order. */
  async function fingerprint(table) {
    const info = await table.info();
    const csv = await table.export('csv');
    return { rowCount: info.rowCount, columns: info.columns, sha256: hex(await crypto.subtle.digest('SHA-256', csv)) };
  }

  async function folder(name) {
    const root = await navigator.storage.getDirectory();
    try {
      return await (await root.getDirectoryHandle('duckline')).getDirectoryHandle(name);
    } catch (e) {
      if (e.name === 'NotFoundError') return null;
      throw e;
    }
  }

  return {
    get ws() {
      return ws;
    },
    get flights() {
      return flights;
    },

    async loadFlights() {
      const response = await fetch('/sample/flights.csv');
      if (!response.ok) throw new Error(`/sample/flights.csv: HTTP ${response.status}`);
      flights = new Uint8Array(await response.arrayBuffer());
      return flights.length;
    },

    async open(name) {
      ws = await Workspace.open({ name });
      return { tables: (await ws.tables()).map((t) => t.name), damaged: await ws.damagedManifests() };
    },

    async close() {
      await ws?.close();
      ws = null;
    },

    /** One scenario action: { kind: "import" | "apply" | "undo" | "redo" | "goto", ... }. */
    async act(action) {
      if (action.kind === 'import') {
        await ws.importCsv(action.table, flights, { nullStrings: ['NA'] });
        return null;
      }
      const t = await ws.table(action.table);
      switch (action.kind) {
        case 'apply':
          return (await t.apply(action.command)).rowsAffected;
        case 'undo':
          return (await t.undo())?.index ?? null;
        case 'redo':
          return (await t.redo())?.index ?? null;
        case 'goto':
          await t.goto(action.position);
          return null;
        default:
          throw new Error(`unknown action ${action.kind}`);
      }
    },

    async timeline(name) {
      const t = await ws.table(name);
      const { position, steps } = await t.timeline();
      return { position, commands: steps.map((s) => s.command), recipe: await t.recipe() };
    },

    async fingerprint(name) {
      return fingerprint(await ws.table(name));
    },

    /** Undo to 0 then redo to the end: the fingerprint at every position on the way. */
    async walk(name) {
      const t = await ws.table(name);
      const { position, steps } = await t.timeline();
      const down = [];
      for (let p = position; p > 0; p--) {
        await t.undo();
        down[p - 1] = await fingerprint(t);
      }
      const atZeroUndo = await t.undo();
      const up = [];
      for (let p = 1; p <= steps.length; p++) {
        await t.redo();
        up[p] = await fingerprint(t);
      }
      const atEndRedo = await t.redo();
      return { down, up, atZeroUndo, atEndRedo, end: (await t.timeline()).position };
    },

    /** The fingerprints of a fresh import (in memory) and after each of `commands` as a recipe. */
    async reference(commands) {
      reference ??= await Workspace.open({ name: 'reference', storage: 'memory' });
      const t = await reference.importCsv(`ref${referenceCount++}`, flights, { nullStrings: ['NA'] });
      const out = [await fingerprint(t)];
      for (const command of commands) {
        await t.applyRecipe({ version: 1, steps: [command] });
        out.push(await fingerprint(t));
      }
      await reference.dropTable(t.name);
      return out;
    },

    /** Every file of OPFS duckline/<name>/ with its size; manifests with their text. */
    async files(name) {
      const dir = await folder(name);
      const out = [];
      const walk = async (d, prefix) => {
        for await (const [n, h] of d.entries()) {
          if (h.kind === 'directory') {
            await walk(h, `${prefix}${n}/`);
            continue;
          }
          const file = await h.getFile();
          const entry = { path: `${prefix}${n}`, size: file.size };
          if (/^manifest-\d+\.json$/.test(entry.path)) entry.text = await file.text();
          out.push(entry);
        }
      };
      if (dir) await walk(dir, '');
      return out.sort((a, b) => (a.path < b.path ? -1 : 1));
    },
  };
}
