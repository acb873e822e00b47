// A plain-JS stand-in for the `make pkg` build of duckline (pkg/duckline.js), implementing the
// API.md surface the demo page uses, so the page and the e2e scenario can be exercised without
// the real package (`E2E_PKG_DIR=tests/e2e/mock-pkg node --test tests/e2e/`). It keeps snapshots
// in memory and persists the CSV plus the command list in OPFS (replayed on open). It is a test
// fixture: small, slow on big tables, no DuckDB. Only a subset of commands is implemented.

class DucklineError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const fail = (code, message) => {
  throw new DucklineError(code, message);
};

/** Loads "the wasm module" (nothing to do here). */
export default async function init() {}

// ---------------------------------------------------------------------------------------------
// OPFS persistence: mock-duckline/<workspace>/<table>/{source.bin, meta.json}

async function wsDir(name, create = true) {
  const root = await navigator.storage.getDirectory();
  const top = await root.getDirectoryHandle('mock-duckline', { create });
  return top.getDirectoryHandle(name, { create });
}
async function writeFile(dir, name, data) {
  const fh = await dir.getFileHandle(name, { create: true });
  const w = await fh.createWritable();
  await w.write(data);
  await w.close();
}
async function readFile(dir, name) {
  const fh = await dir.getFileHandle(name);
  return new Uint8Array(await (await fh.getFile()).arrayBuffer());
}

// ---------------------------------------------------------------------------------------------
// CSV

function parseCsv(text, { delimiter = ',', header = true, quote = '"', nullStrings = [] } = {}) {
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  let wasQuoted = false;
  const push = () => {
    record.push(wasQuoted ? { q: field } : field);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === quote) {
        if (text[i + 1] === quote) {
          field += quote;
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === quote) {
      quoted = true;
      wasQuoted = true;
    } else if (c === delimiter) push();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      push();
      records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== '' || record.length) {
    push();
    records.push(record);
  }
  if (!records.length) fail('InvalidInput', 'empty file');
  const width = records[0].length;
  const names = header ? records.shift().map((f) => (typeof f === 'string' ? f : f.q)) : records[0].map((_, i) => `column${i}`);
  const nulls = new Set(nullStrings);
  const raw = records.map((r) => names.map((_, i) => {
    const f = r[i];
    if (f === undefined) return null;
    if (typeof f === 'object') return f.q;
    return f === '' || nulls.has(f) ? null : f;
  }));
  const types = names.map((_, ci) => (raw.every((r) => r[ci] === null || /^-?\d{1,15}$/.test(r[ci])) ? 'BIGINT' : 'VARCHAR'));
  const rows = raw.map((r) => r.map((v, ci) => (v !== null && types[ci] === 'BIGINT' ? Number(v) : v)));
  if (width === 0) fail('InvalidInput', 'no columns');
  return { names, types, rows };
}

function toCsv(state) {
  const cols = state.order;
  const esc = (v) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [cols.map((id) => esc(state.meta.get(id).name)).join(',')];
  for (const r of state.rows) lines.push(cols.map((id) => esc(r.v[id])).join(','));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// Workspace

/** The workspace (a folder of tables). */
export class Workspace {
  constructor(name, storage) {
    this._name = name;
    this._storage = storage;
    this._tables = new Map(); // name -> { table: Table|null, meta }
  }

  /** Opens (and restores) a workspace. */
  static async open(options = {}) {
    const ws = new Workspace(options.name ?? 'default', options.storage ?? 'opfs');
    if (ws._storage === 'opfs') {
      const dir = await wsDir(ws._name);
      let index = [];
      try {
        index = JSON.parse(new TextDecoder().decode(await readFile(dir, 'index.json')));
      } catch {
        index = [];
      }
      for (const name of index) {
        const tdir = await dir.getDirectoryHandle(name);
        const meta = JSON.parse(new TextDecoder().decode(await readFile(tdir, 'meta.json')));
        ws._tables.set(name, { table: null, meta });
      }
    }
    return ws;
  }

  get name() {
    return this._name;
  }

  async _saveIndex() {
    if (this._storage !== 'opfs') return;
    await writeFile(await wsDir(this._name), 'index.json', JSON.stringify([...this._tables.keys()]));
  }

  async tables() {
    const out = [];
    for (const name of this._tables.keys()) out.push(await (await this.table(name)).info());
    return out;
  }

  async table(name) {
    const entry = this._tables.get(name);
    if (!entry) fail('NotFound', `no table named ${name}`);
    if (!entry.table) {
      const tdir = await (await wsDir(this._name)).getDirectoryHandle(name);
      const bytes = await readFile(tdir, 'source.bin');
      const t = Table._fromCsv(this, name, bytes, entry.meta.options);
      for (const cmd of entry.meta.commands) t._applyNow(cmd, true);
      t._position = entry.meta.position;
      entry.table = t;
    }
    return entry.table;
  }

  async importCsv(name, data, options = {}) {
    if (this._tables.has(name)) fail('TableExists', `a table named ${name} exists`);
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
    const t = Table._fromCsv(this, name, bytes, options);
    this._tables.set(name, { table: t, meta: { options, commands: [], position: 0 } });
    if (this._storage === 'opfs') {
      const tdir = await (await wsDir(this._name)).getDirectoryHandle(name, { create: true });
      await writeFile(tdir, 'source.bin', bytes);
      await t._persist();
      await this._saveIndex();
    }
    return t;
  }

  async importParquet() {
    fail('Unsupported', 'the mock package cannot read Parquet');
  }

  async dropTable(name) {
    if (!this._tables.has(name)) fail('NotFound', `no table named ${name}`);
    this._tables.delete(name);
    if (this._storage === 'opfs') {
      await (await wsDir(this._name)).removeEntry(name, { recursive: true });
      await this._saveIndex();
    }
  }

  async storage() {
    const est = await navigator.storage.estimate();
    return { files: this._tables.size * 2 + 1, bytes: est.usage ?? 0, usageBytes: est.usage ?? 0, quotaBytes: est.quota ?? 0 };
  }

  async memory() {
    const tables = [];
    for (const [name, e] of this._tables) tables.push({ name, bytes: e.table ? e.table._current().rows.length * 200 : 0 });
    return { duckdbBytes: tables.reduce((a, t) => a + t.bytes, 0), tables };
  }

  async close() {}
}

// ---------------------------------------------------------------------------------------------
// Table: states[p] is the snapshot at position p (rows are immutable objects { id, v[] } shared
// between snapshots; v is indexed by column id).

export class Table {
  static _fromCsv(ws, name, bytes, options) {
    const parsed = parseCsv(new TextDecoder().decode(bytes), options ?? {});
    const t = new Table(ws, name);
    const meta = new Map(parsed.names.map((n, i) => [i, { name: n, type: parsed.types[i] }]));
    t._nextCol = parsed.names.length;
    t._nextRow = parsed.rows.length;
    t._states = [{ order: parsed.names.map((_, i) => i), meta, rows: parsed.rows.map((v, i) => ({ id: i, v })) }];
    t._steps = [];
    t._position = 0;
    return t;
  }

  constructor(ws, name) {
    this._ws = ws;
    this._name = name;
  }

  get name() {
    return this._name;
  }

  _current() {
    return this._states[this._position];
  }

  async _persist() {
    const entry = this._ws._tables.get(this._name);
    entry.meta.commands = this._steps.map((s) => s.command);
    entry.meta.position = this._position;
    if (this._ws._storage !== 'opfs') return 0;
    const tdir = await (await wsDir(this._ws._name)).getDirectoryHandle(this._name);
    const json = JSON.stringify(entry.meta);
    await writeFile(tdir, 'meta.json', json);
    return json.length;
  }

  async info() {
    const s = this._current();
    return {
      name: this._name,
      rowCount: s.rows.length,
      columns: s.order.map((id) => ({ ...s.meta.get(id) })),
      position: this._position,
      stepCount: this._steps.length,
    };
  }

  async apply(command) {
    const t0 = performance.now();
    const step = this._applyNow(command, false);
    if (step._new) step.bytesWritten = await this._persist();
    step.durationMs = performance.now() - t0;
    delete step._new;
    return { ...step };
  }

  _col(state, name) {
    if (typeof name !== 'string') fail('InvalidCommand', 'missing parameter: column');
    const id = state.order.find((cid) => state.meta.get(cid).name === name);
    if (id === undefined) fail('InvalidCommand', `unknown column: ${name}`);
    return id;
  }

  /** Runs `command` on the current snapshot; pushes a new snapshot unless nothing changes. */
  _applyNow(command, replay) {
    if (!command || typeof command.op !== 'string') fail('InvalidCommand', 'missing op');
    const s = this._current();
    let next = null;
    let rowsAffected = 0;
    let label;
    let tier = 1;
    const mapCells = (colId, f) => {
      const rows = s.rows.map((r) => {
        const old = r.v[colId];
        if (old === null || old === undefined) return r;
        const nv = f(old);
        if (String(old) !== nv) rowsAffected += 1;
        if (nv === old) return r;
        const v = r.v.slice();
        v[colId] = nv;
        return { id: r.id, v };
      });
      const meta = new Map(s.meta);
      meta.set(colId, { ...s.meta.get(colId), type: 'VARCHAR' });
      return { order: s.order, meta, rows };
    };
    switch (command.op) {
      case 'trim':
      case 'uppercase': {
        const id = this._col(s, command.column);
        const f = command.op === 'trim' ? (x) => String(x).trim() : (x) => String(x).toUpperCase();
        next = mapCells(id, f);
        label = `${command.op === 'trim' ? 'Trim' : 'Uppercase'} ${command.column}`;
        break;
      }
      case 'pad_zeros': {
        const id = this._col(s, command.column);
        const len = command.length;
        if (!Number.isInteger(len) || len < 1 || len > 64) fail('InvalidCommand', 'length must be an integer 1..64');
        next = mapCells(id, (x) => String(x).padStart(len, '0'));
        label = `Pad ${command.column} to ${len}`;
        break;
      }
      case 'rename_column': {
        const id = this._col(s, command.column);
        if (typeof command.newName !== 'string' || !command.newName) fail('InvalidCommand', 'missing parameter: newName');
        if (s.order.some((c) => s.meta.get(c).name === command.newName)) fail('InvalidCommand', `column ${command.newName} exists`);
        const meta = new Map(s.meta);
        meta.set(id, { ...s.meta.get(id), name: command.newName });
        next = { order: s.order, meta, rows: s.rows };
        label = `Rename ${command.column} to ${command.newName}`;
        tier = 2;
        break;
      }
      case 'delete_column': {
        const id = this._col(s, command.column);
        next = { order: s.order.filter((c) => c !== id), meta: s.meta, rows: s.rows };
        label = `Delete column ${command.column}`;
        tier = 2;
        break;
      }
      case 'remove_duplicates': {
        const ids = command.columns ? command.columns.map((n) => this._col(s, n)) : s.order;
        const seen = new Set();
        const rows = s.rows.filter((r) => {
          const key = JSON.stringify(ids.map((i) => r.v[i]));
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        rowsAffected = s.rows.length - rows.length;
        if (rowsAffected) next = { order: s.order, meta: s.meta, rows };
        label = 'Remove duplicates';
        tier = 3;
        break;
      }
      case 'delete_rows': {
        if (!Array.isArray(command.rowIds)) fail('InvalidCommand', 'missing parameter: rowIds');
        const del = new Set(command.rowIds);
        const rows = s.rows.filter((r) => !del.has(r.id));
        rowsAffected = s.rows.length - rows.length;
        next = { order: s.order, meta: s.meta, rows };
        label = `Delete ${rowsAffected} rows`;
        tier = 3;
        break;
      }
      case 'insert_row': {
        const v = [];
        for (const [name, value] of Object.entries(command.values ?? {})) v[this._col(s, name)] = value;
        const row = { id: this._nextRow++, v };
        const rows = s.rows.slice();
        const at = command.after === null || command.after === undefined ? 0 : rows.findIndex((r) => r.id === command.after) + 1;
        if (at === 0 && command.after !== null && command.after !== undefined) fail('NotFound', `no row ${command.after}`);
        rows.splice(at, 0, row);
        rowsAffected = 1;
        next = { order: s.order, meta: s.meta, rows };
        label = 'Insert row';
        tier = 3;
        break;
      }
      case 'edit_cell': {
        const id = this._col(s, command.column);
        const idx = s.rows.findIndex((r) => r.id === command.rowId);
        if (idx < 0) fail('NotFound', `no row ${command.rowId}`);
        let value = command.value;
        if (value !== null && s.meta.get(id).type === 'BIGINT') {
          if (!/^-?\d+$/.test(String(value).trim())) fail('InvalidCommand', `"${value}" is not a BIGINT`);
          value = Number(value);
        }
        const old = s.rows[idx].v[id];
        if (old !== value) {
          const rows = s.rows.slice();
          const v = rows[idx].v.slice();
          v[id] = value;
          rows[idx] = { id: command.rowId, v };
          rowsAffected = 1;
          next = { order: s.order, meta: s.meta, rows };
        }
        label = `Edit ${command.column} of row ${command.rowId}`;
        break;
      }
      default:
        fail('InvalidCommand', `unknown op (in the mock): ${command.op}`);
    }
    if (!next) {
      return { index: this._position, command, label, tier, rowsAffected: 0, bytesWritten: 0, durationMs: 0, warnings: [] };
    }
    this._states.length = this._position + 1;
    this._steps.length = this._position;
    this._states.push(next);
    const step = { index: this._position + 1, command, label, tier, rowsAffected, bytesWritten: 0, durationMs: 0, warnings: [], _new: true };
    this._steps.push(step);
    this._position += 1;
    if (replay) delete step._new;
    return step;
  }

  async undo() {
    if (this._position === 0) return null;
    const step = this._steps[this._position - 1];
    this._position -= 1;
    await this._persist();
    return { ...step };
  }

  async redo() {
    if (this._position >= this._steps.length) return null;
    this._position += 1;
    await this._persist();
    return { ...this._steps[this._position - 1] };
  }

  async goto(position) {
    if (!Number.isInteger(position) || position < 0 || position > this._steps.length) fail('NotFound', `no step ${position}`);
    this._position = position;
    await this._persist();
  }

  async timeline() {
    return { position: this._position, steps: this._steps.map((s) => ({ ...s })) };
  }

  _page(start, limit, columns) {
    const s = this._current();
    const lim = Math.min(limit ?? 500, 10_000);
    const ids = columns ? columns.map((n) => this._col(s, n)) : s.order;
    const slice = s.rows.slice(start, start + lim);
    return {
      columns: ids.map((id) => s.meta.get(id).name),
      rowIds: slice.map((r) => r.id),
      rows: slice.map((r) => ids.map((id) => r.v[id] ?? null)),
      nextCursor: start + lim < s.rows.length ? `i${start + lim}` : null,
    };
  }

  async rows({ after = null, limit, columns } = {}) {
    return this._page(after ? Number(after.slice(1)) : 0, limit, columns);
  }

  async rowsAt(index, { limit, columns } = {}) {
    return this._page(index, limit, columns);
  }

  async diff({ from = 0 } = {}) {
    if (!Number.isInteger(from) || from < 0 || from > this._steps.length) fail('NotFound', `no step ${from}`);
    return new Diff(this._states[from], this._current());
  }

  async export(format) {
    if (format !== 'csv') fail('Unsupported', 'the mock exports CSV only');
    return toCsv(this._current());
  }
}

// ---------------------------------------------------------------------------------------------
// Diff

export class Diff {
  constructor(a, b) {
    const aIndex = new Map(a.rows.map((r, i) => [r.id, i]));
    const bIds = new Set(b.rows.map((r) => r.id));
    const shared = b.order.filter((id) => a.meta.has(id) && a.order.includes(id));
    const changedCells = new Map(b.order.map((id) => [id, 0]));
    const entries = [];
    let lastKey = -1;
    let unchanged = 0;
    for (const r of b.rows) {
      const ai = aIndex.get(r.id);
      if (ai === undefined) {
        entries.push({ key: lastKey + 0.5, status: 'added', row: r, old: null, changed: [] });
        continue;
      }
      lastKey = ai;
      const old = a.rows[ai];
      const changed = shared.filter((id) => (old.v[id] ?? null) !== (r.v[id] ?? null));
      if (changed.length) {
        for (const id of changed) changedCells.set(id, changedCells.get(id) + 1);
        entries.push({ key: ai, status: 'modified', row: r, old, changed: changed.map((id) => b.meta.get(id).name) });
      } else unchanged += 1;
    }
    for (const [i, r] of a.rows.entries()) if (!bIds.has(r.id)) entries.push({ key: i, status: 'removed', row: null, old: r, changed: [] });
    entries.sort((x, y) => x.key - y.key);
    this._entries = entries;
    this._a = a;
    this._b = b;
    const count = (st) => entries.filter((e) => e.status === st).length;
    const schemaChanges = [];
    for (const id of b.order) {
      if (!a.order.includes(id)) schemaChanges.push({ kind: 'added', column: b.meta.get(id).name });
      else if (a.meta.get(id).name !== b.meta.get(id).name) schemaChanges.push({ kind: 'renamed', column: b.meta.get(id).name, detail: `from ${a.meta.get(id).name}` });
      if (a.order.includes(id) && a.meta.get(id).type !== b.meta.get(id).type) schemaChanges.push({ kind: 'retyped', column: b.meta.get(id).name, detail: `${a.meta.get(id).type} -> ${b.meta.get(id).type}` });
    }
    for (const id of a.order) if (!b.order.includes(id)) schemaChanges.push({ kind: 'removed', column: a.meta.get(id).name });
    this._summary = {
      added: count('added'),
      removed: count('removed'),
      modified: count('modified'),
      unchanged,
      columns: b.order.map((id) => ({ name: b.meta.get(id).name, changedCells: changedCells.get(id) })),
      schemaChanges,
    };
    this._closed = false;
  }

  get summary() {
    return this._summary;
  }

  _page(start, limit = 500) {
    if (this._closed) fail('NotFound', 'diff closed');
    const cols = this._b.order;
    const slice = this._entries.slice(start, start + limit);
    return {
      columns: cols.map((id) => this._b.meta.get(id).name),
      rows: slice.map((e) => ({
        status: e.status,
        rowId: (e.row ?? e.old).id,
        changed: e.changed,
        before: e.old ? cols.map((id) => e.old.v[id] ?? null) : null,
        after: e.row ? cols.map((id) => e.row.v[id] ?? null) : null,
      })),
      nextCursor: start + limit < this._entries.length ? `d${start + limit}` : null,
    };
  }

  async page({ after = null, limit } = {}) {
    return this._page(after ? Number(after.slice(1)) : 0, limit);
  }

  async pageAt(index, { limit } = {}) {
    return this._page(index, limit);
  }

  async close() {
    this._closed = true;
  }
}
