// The storage and memory panel: `ws.storage()` (OPFS figures) and `ws.memory()` (DuckDB's own
// accounting).

import { h, fmtBytes, fmtInt } from './util.js';
import { timed } from './runtime.js';

/** Shows the workspace's storage and memory figures. */
export class StoragePanel {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.body = h('div', { class: 'storage-body' });
    root.replaceChildren(this.body);
  }

  /** Reads and shows the figures of `ws` (call inside a queued action). */
  async refresh(ws) {
    if (!ws) {
      this.body.replaceChildren();
      return;
    }
    const storage = await timed('ws.storage', () => ws.storage());
    const memory = await timed('ws.memory', () => ws.memory());
    const row = (label, testid, value, text) =>
      h('tr', {}, h('th', { text: label }), h('td', { 'data-testid': testid, 'data-value': String(value), text }));
    this.body.replaceChildren(
      h(
        'table',
        { class: 'figures' },
        row('OPFS files', 'storage-files', storage.files, fmtInt(storage.files)),
        row('OPFS bytes', 'storage-bytes', storage.bytes, fmtBytes(storage.bytes)),
        row('Origin usage', 'storage-usage', storage.usageBytes, fmtBytes(storage.usageBytes)),
        row('Origin quota', 'storage-quota', storage.quotaBytes, fmtBytes(storage.quotaBytes)),
        row('DuckDB memory', 'memory-duckdb', memory.duckdbBytes, fmtBytes(memory.duckdbBytes)),
        ...memory.tables.map((t) =>
          h('tr', { 'data-testid': 'memory-table', 'data-table': t.name }, h('th', { text: `  ${t.name}` }), h('td', { 'data-value': String(t.bytes), text: fmtBytes(t.bytes) })),
        ),
      ),
    );
  }
}
