// The diff view: `table.diff({ from })`, its summary, then the changed rows in pages
// (`d.page({ after })` forward, `d.pageAt(index)` for jumps and going back). `d.close()` is
// called whenever the diff is left (new diff, table changed or switched, Close button).

import { h, fmtInt, fmtMs, fmtValue, setOptions } from './util.js';
import { cancellable, run, timed } from './runtime.js';

export const DIFF_PAGE_ROWS = 100;

/** Builds and pages through a Diff of the current table. */
export class DiffView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.table = null;
    this.diff = null;
    this.start = 0;
    this.page = null;

    this.fromSelect = h('select', { 'data-testid': 'diff-from', 'aria-label': 'Compare from step' });
    this.buildBtn = h('button', { type: 'button', 'data-testid': 'diff-build', text: 'Build diff', onclick: () => this.build() });
    this.closeBtn = h('button', { type: 'button', 'data-testid': 'diff-close', text: 'Close diff', onclick: () => run('Closing diff', () => this.closeDiff()) });
    this.summaryEl = h('div', { class: 'diff-summary', 'data-testid': 'diff-summary', hidden: true });
    this.prevBtn = h('button', { type: 'button', 'data-testid': 'diff-prev', text: '‹ Previous', onclick: () => this.prev() });
    this.nextBtn = h('button', { type: 'button', 'data-testid': 'diff-next', text: 'Next ›', onclick: () => this.next() });
    this.pageInfo = h('span', { class: 'diff-page-info', 'data-testid': 'diff-page-info' });
    this.jumpInput = h('input', { type: 'number', min: '1', placeholder: 'changed row #', 'data-testid': 'diff-jump-index', 'aria-label': 'Jump to changed row' });
    const jumpForm = h(
      'form',
      {
        class: 'inline',
        onsubmit: (e) => {
          e.preventDefault();
          const n = Number(this.jumpInput.value);
          if (Number.isInteger(n) && n >= 1) this.jump(n - 1);
        },
      },
      this.jumpInput,
      h('button', { type: 'submit', 'data-testid': 'diff-jump', text: 'Jump' }),
    );
    this.pager = h('div', { class: 'diff-pager', hidden: true }, this.prevBtn, this.nextBtn, this.pageInfo, jumpForm);
    this.rowsEl = h('div', { class: 'diff-rows-box' });
    this.noteEl = h('div', { class: 'message', 'data-testid': 'diff-note' });
    root.replaceChildren(
      h('div', { class: 'diff-controls' }, h('label', {}, 'Compare state at step ', this.fromSelect, ' with now '), this.buildBtn, this.closeBtn),
      this.noteEl,
      this.summaryEl,
      this.pager,
      this.rowsEl,
    );
    this.updateButtons();
  }

  /** Points the view at `table` with its `timeline` (closing any open diff first; call in an action). */
  async setTable(table, timeline) {
    if (this.table !== table) await this.closeDiff();
    else if (this.diff) await this.closeDiff('The table changed: build the diff again.');
    this.table = table;
    const steps = timeline ? timeline.steps : [];
    const options = [{ value: '0', label: '0 — as imported' }];
    steps.forEach((s, i) => options.push({ value: String(i + 1), label: `${i + 1} — ${s.label}` }));
    setOptions(this.fromSelect, options);
    this.updateButtons();
  }

  /** Closes the open Diff (frees its temp tables) and clears the view. */
  async closeDiff(note = '') {
    const d = this.diff;
    this.diff = null;
    this.page = null;
    this.summaryEl.hidden = true;
    this.summaryEl.replaceChildren();
    this.pager.hidden = true;
    this.rowsEl.replaceChildren();
    this.noteEl.textContent = note;
    this.updateButtons();
    if (d) await timed('diff.close', () => d.close());
  }

  /** Total changed rows of the open diff. */
  get total() {
    const s = this.diff?.summary;
    return s ? s.added + s.removed + s.modified : 0;
  }

  build() {
    const table = this.table;
    if (!table) return;
    const from = Number(this.fromSelect.value);
    return run('Building diff', async () => {
      await this.closeDiff();
      const t0 = performance.now();
      this.diff = await timed('diff.build', () => cancellable((call) => table.diff({ from, ...call })));
      const buildMs = performance.now() - t0;
      this.from = from;
      this.renderSummary(this.diff.summary);
      const page = await timed('diff.page.first', () => this.diff.page({ limit: DIFF_PAGE_ROWS }));
      this.show(page, 0);
      this.noteEl.textContent = `Diff from step ${from} built in ${fmtMs(buildMs)}.`;
    });
  }

  next() {
    if (!this.diff || !this.page?.nextCursor) return;
    const d = this.diff;
    const cursor = this.page.nextCursor;
    const start = this.start + this.page.rows.length;
    return run('Next diff page', async () => {
      const page = await timed('diff.page.next', () => d.page({ after: cursor, limit: DIFF_PAGE_ROWS }));
      if (d === this.diff) this.show(page, start);
    });
  }

  prev() {
    if (!this.diff || this.start === 0) return;
    return this.jump(Math.max(0, this.start - DIFF_PAGE_ROWS));
  }

  jump(index) {
    if (!this.diff) return;
    const d = this.diff;
    const start = Math.max(0, Math.min(index, Math.max(0, this.total - 1)));
    return run('Diff page', async () => {
      const page = await timed('diff.pageAt', () => d.pageAt(start, { limit: DIFF_PAGE_ROWS }));
      if (d === this.diff) this.show(page, start);
    });
  }

  updateButtons() {
    this.buildBtn.disabled = !this.table;
    this.closeBtn.disabled = !this.diff;
    this.prevBtn.disabled = !this.diff || this.start === 0;
    this.nextBtn.disabled = !this.diff || !this.page?.nextCursor;
  }

  renderSummary(s) {
    const num = (key, label) =>
      h('div', { class: `diff-num ${key}` }, h('span', { class: 'n', 'data-testid': `diff-${key}`, 'data-value': String(s[key]), text: fmtInt(s[key]) }), h('span', { class: 'l', text: label }));
    const cols = s.columns.filter((c) => c.changedCells > 0);
    this.summaryEl.replaceChildren(
      h('div', { class: 'diff-nums' }, num('added', 'added'), num('removed', 'removed'), num('modified', 'modified'), num('unchanged', 'unchanged')),
      h(
        'div',
        { class: 'diff-cols' },
        h('span', { class: 'l', text: 'Changed cells: ' }),
        cols.length
          ? cols.map((c) => h('span', { class: 'chip', 'data-testid': 'diff-col', 'data-col': c.name, 'data-changed-cells': String(c.changedCells), text: `${c.name} ${fmtInt(c.changedCells)}` }))
          : h('span', { text: 'none' }),
      ),
      s.schemaChanges.length
        ? h(
            'div',
            { class: 'diff-schema' },
            h('span', { class: 'l', text: 'Schema: ' }),
            s.schemaChanges.map((c) =>
              h('span', { class: 'chip', 'data-testid': 'diff-schema-change', 'data-kind': c.kind, 'data-col': c.column, text: `${c.kind} ${c.column}${c.detail ? ` (${c.detail})` : ''}` }),
            ),
          )
        : null,
    );
    this.summaryEl.hidden = false;
  }

  show(page, start) {
    this.page = page;
    this.start = start;
    const total = this.total;
    this.pageInfo.textContent = page.rows.length
      ? `changed rows ${fmtInt(start + 1)}–${fmtInt(start + page.rows.length)} of ${fmtInt(total)}`
      : `no changed rows${total ? ` at ${fmtInt(start + 1)}` : ''}`;
    this.pageInfo.dataset.start = String(start);
    this.pager.hidden = false;
    const head = h(
      'tr',
      {},
      h('th', { text: 'status' }),
      h('th', { text: 'row id' }),
      page.columns.map((c) => h('th', { text: c })),
    );
    const body = page.rows.map((row, i) => {
      const changed = new Set(row.changed ?? []);
      const cells = page.columns.map((col, ci) => {
        const before = row.before ? row.before[ci] : undefined;
        const after = row.after ? row.after[ci] : undefined;
        const isChanged = row.status === 'modified' && changed.has(col);
        const attrs = { 'data-testid': 'diff-cell', 'data-col': col, class: isChanged ? 'changed' : null, 'data-changed': isChanged ? '1' : null };
        if (isChanged) {
          return h('td', attrs, h('del', { 'data-testid': 'diff-before', text: fmtValue(before) }), ' → ', h('ins', { 'data-testid': 'diff-after', text: fmtValue(after) }));
        }
        const value = row.status === 'removed' ? before : after;
        return h('td', { ...attrs, class: value === null || value === undefined ? 'null' : null, text: fmtValue(value) });
      });
      return h(
        'tr',
        { class: `status-${row.status}`, 'data-testid': 'diff-row', 'data-status': row.status, 'data-row-id': String(row.rowId), 'data-index': String(start + i), 'data-changed': (row.changed ?? []).join(',') },
        h('td', { class: 'status', text: row.status }),
        h('td', { class: 'rowid', text: String(row.rowId) }),
        cells,
      );
    });
    this.rowsEl.replaceChildren(h('table', { class: 'diff-rows', 'data-testid': 'diff-rows' }, h('thead', {}, head), h('tbody', {}, body)));
    this.updateButtons();
  }
}
